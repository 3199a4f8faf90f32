/** The memory.* tools: the knowledge base in long-term memory, read-only. */
import { memorySearch } from "./search";

export const memoryTools = [memorySearch];

export { memorySearch, snippetOf } from "./search";
