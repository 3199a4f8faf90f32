/**
 * `make eval-goals`: the goal corpus's figures as markdown for BENCHMARKS.md
 * (planned correctly, refused, wrong, planning latency), the main corpus
 * and the held-out phrasings side by side.
 */
import { loadCorpus, markdown, runCases, summarize } from "./corpus";

const corpus = summarize(await runCases(loadCorpus("corpus")));
const heldout = summarize(await runCases(loadCorpus("heldout")));
const heldout2 = summarize(await runCases(loadCorpus("heldout2")));
const heldout3 = summarize(await runCases(loadCorpus("heldout3")));
const heldout4 = summarize(await runCases(loadCorpus("heldout4")));
console.log(markdown(corpus, heldout, heldout2, heldout3, heldout4));
if (corpus.wrong + heldout.wrong + heldout2.wrong + heldout3.wrong + heldout4.wrong > 0) process.exit(1);
