/** SQL files are imported as text (`with { type: "text" }`) and embedded by the compile step. */
declare module "*.sql" {
  const text: string;
  export default text;
}
