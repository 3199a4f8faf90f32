/** SQL files are imported as text (`with { type: "text" }`) and embedded by the compile step. */
declare module "*.sql" {
  const text: string;
  export default text;
}

/** Markdown files are imported as text the same way (aiOS's own documentation, src/boot/phases/docs.ts). */
declare module "*.md" {
  const text: string;
  export default text;
}
