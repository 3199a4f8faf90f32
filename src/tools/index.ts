/** The tool registry: typed tools and the one executor every call goes through. */
export { defineTool, namespaceOf, RISKS, type Risk, type Tool, type ToolContext, type ToolEnv, type ToolHost } from "./define";
