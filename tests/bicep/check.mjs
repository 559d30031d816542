// Syntax-checks Bicep files offline with the real Bicep grammar (tree-sitter-bicep 1.1.0, run in
// web-tree-sitter). No Bicep compiler is obtainable on this project's machines; this catches what a parser
// can: every ERROR or MISSING node is reported with its file, line and column, and the exit code is 1.
// Usage: node check.mjs <file or folder>...   (folders are searched for *.bicep)
import { readFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const Parser = require("web-tree-sitter");

function bicepFiles(path) {
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
    const child = join(path, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : bicepFiles(child);
    return entry.name.endsWith(".bicep") ? [child] : [];
  });
}

function problems(node, found = []) {
  if (node.isMissing) {
    found.push({ node, what: `missing ${node.type}` });
  } else if (node.type === "ERROR") {
    found.push({ node, what: `syntax error near '${node.text.slice(0, 40).replace(/\s+/g, " ")}'` });
  }
  if (node.hasError) {
    for (const child of node.children) problems(child, found);
  }
  return found;
}

const targets = process.argv.slice(2);
if (targets.length === 0) {
  console.error("usage: node check.mjs <file or folder>...");
  process.exit(2);
}
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Parser.Language.load(require.resolve("tree-sitter-bicep/tree-sitter-bicep.wasm")));

let files = 0;
let errors = 0;
for (const file of targets.flatMap(bicepFiles).sort()) {
  files++;
  const tree = parser.parse(readFileSync(file, "utf8"));
  for (const { node, what } of problems(tree.rootNode)) {
    errors++;
    console.log(`${file}:${node.startPosition.row + 1}:${node.startPosition.column + 1}: ${what}`);
  }
}
console.log(`${files} Bicep file(s) parsed, ${errors} syntax error(s)`);
process.exit(files > 0 && errors === 0 ? 0 : 1);
