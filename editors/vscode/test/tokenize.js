#!/usr/bin/env node
// Tokenizes .mqa files with the grammar in ../syntaxes, as VS Code does
// (vscode-textmate on the Oniguruma regex engine), and checks the scopes.
//
//   node test/tokenize.js [--clean FILE...] [--other FILE...]
//
// Every file: tokenizing ends each line outside strings and comments (no
// state left open across lines). `--clean` files (policies without syntax
// errors): every character other than whitespace has a scope beyond the
// file's own, and none is `invalid`. Then a sample policy that uses every
// construct is checked token by token. Lines longer than VS Code tokenizes
// are skipped as VS Code does. Prints counts; exits 1 on a failure.
'use strict';

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const here = path.join(__dirname, '..');
const grammarPath = path.join(here, 'syntaxes', 'mqa.tmLanguage.json');

const failures = [];
function fail(msg) {
  failures.push(msg);
}

async function loadGrammar() {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.mqa') return null;
      return vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath);
    },
  });
  return registry.loadGrammar('source.mqa');
}

// Lines of a file as an editor gives them: no BOM, no line ends.
function lines(text) {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
}

// VS Code's `editor.maxTokenizationLineLength`: longer lines are shown
// untokenized, keeping the state of the line before (the corpus has lines of
// 100,000 characters and more).
const MAX_LINE = 20000;
let longLines = 0;

// Tokens of a text: [{line, text, scopes}]; fails when a line ends in an open state.
function tokenize(grammar, text, name) {
  const out = [];
  let state = vsctm.INITIAL;
  lines(text).forEach((line, i) => {
    if (line.length > MAX_LINE) {
      longLines++;
      return;
    }
    const r = grammar.tokenizeLine(line, state);
    if (r.stoppedEarly) fail(`${name}:${i + 1}: tokenizing stopped early`);
    for (const t of r.tokens) {
      out.push({ line: i + 1, col: t.startIndex + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    }
    state = r.ruleStack;
    // open at a line end: only the target list of a kind (queue A,\n B)
    let depth = 0;
    for (let s = state; s && s.parent; s = s.parent) depth++;
    if (depth > 1) fail(`${name}:${i + 1}: state left open at the line end (depth ${depth + 1})`);
  });
  return out;
}

const meaningless = new Set(['source.mqa', 'meta.target.mqa']);

function checkClean(tokens, name) {
  let bad = 0;
  for (const t of tokens) {
    if (!t.text.trim()) continue;
    const scoped = t.scopes.some((s) => !meaningless.has(s));
    const invalid = t.scopes.find((s) => s.startsWith('invalid'));
    if (!scoped || invalid) {
      bad++;
      if (bad <= 5) fail(`${name}:${t.line}:${t.col}: \`${t.text}\` has scopes ${t.scopes.join(' ')}`);
    }
  }
}

// A policy with every construct, and the scope each token must have.
const SAMPLE = [
  '# a comment',
  'group ops "platform operators"',
  'group "ops team"',
  'group read-only.users',
  'grant ops, "ops team" read, write, admin on queue ORDERS.*.IN, "R&D.>", topic EVENTS.>',
  'grant everyone all on temp, advisory  # trailing comment',
  '# mqauthz: allow(redundant-grant, narrow-grant-cannot-restrict) kept for the runbook',
  'grant read-only.users read on queue',
  '    queue.reports, "temp", ORD*',
  'assert only ops can write queue >',
  'assert ops cannot read topic "say \\"hi\\""',
  'grant ops read on queue X # mqauthz: allow(redundant-grant) why',
].join('\n');

const EXPECT = [
  // [line, token text, scope it must carry]
  [1, '#', 'punctuation.definition.comment.mqa'],
  [1, ' a comment', 'comment.line.number-sign.mqa'],
  [2, 'group', 'keyword.control.statement.mqa'],
  [2, 'ops', 'entity.name.type.group.mqa'],
  [2, 'platform operators', 'string.quoted.double.mqa'],
  [3, '"ops team"', 'entity.name.type.group.mqa'],
  [4, 'read-only.users', 'entity.name.type.group.mqa'],
  [5, 'grant', 'keyword.control.statement.mqa'],
  [5, 'ops', 'variable.other.group.mqa'],
  [5, ',', 'punctuation.separator.comma.mqa'],
  [5, 'ops team', 'string.quoted.double.mqa'],
  [5, 'read', 'support.constant.right.mqa'],
  [5, 'write', 'support.constant.right.mqa'],
  [5, 'admin', 'support.constant.right.mqa'],
  [5, 'on', 'keyword.other.mqa'],
  [5, 'queue', 'storage.type.kind.mqa'],
  [5, 'ORDERS', 'string.unquoted.pattern.mqa'],
  [5, '*', 'keyword.operator.wildcard.segment.mqa'],
  [5, 'IN', 'string.unquoted.pattern.mqa'],
  [5, 'R&D', 'string.quoted.double.pattern.mqa'],
  [5, '>', 'keyword.operator.wildcard.rest.mqa'],
  [5, 'topic', 'storage.type.kind.mqa'],
  [5, 'EVENTS', 'string.unquoted.pattern.mqa'],
  [6, 'everyone', 'constant.language.everyone.mqa'],
  [6, 'all', 'support.constant.right.mqa'],
  [6, 'temp', 'support.type.target.mqa'],
  [6, 'advisory', 'support.type.target.mqa'],
  [6, ' trailing comment', 'comment.line.number-sign.mqa'],
  [7, 'mqauthz:', 'keyword.other.suppression.mqa'],
  [7, 'allow', 'keyword.other.allow.mqa'],
  [7, 'redundant-grant', 'constant.other.rule-name.mqa'],
  [7, 'narrow-grant-cannot-restrict', 'constant.other.rule-name.mqa'],
  [7, ' kept for the runbook', 'comment.line.number-sign.suppression.mqa'],
  [8, 'read-only.users', 'variable.other.group.mqa'],
  [9, 'queue', 'string.unquoted.pattern.mqa'],
  [9, '.', 'punctuation.separator.segment.mqa'],
  [9, 'reports', 'string.unquoted.pattern.mqa'],
  [9, 'temp', 'string.quoted.double.pattern.mqa'],
  [9, '*', 'invalid.illegal.wildcard.mqa'],
  [10, 'assert', 'keyword.control.statement.mqa'],
  [10, 'only', 'keyword.operator.assertion.mqa'],
  [10, 'can', 'keyword.operator.assertion.mqa'],
  [10, '>', 'keyword.operator.wildcard.rest.mqa'],
  [11, 'cannot', 'keyword.operator.assertion.mqa'],
  [11, '\\"', 'constant.character.escape.mqa'],
  [12, 'X', 'string.unquoted.pattern.mqa'],
  [12, 'mqauthz:', 'keyword.other.suppression.mqa'],
  [12, 'redundant-grant', 'constant.other.rule-name.mqa'],
  [12, ' why', 'comment.line.number-sign.suppression.mqa'],
];

// Tokens that must never carry a scope (a keyword inside a name, say).
const FORBID = [
  [8, 'read-only.users', 'support.constant.right.mqa'],
  [9, 'queue', 'storage.type.kind.mqa'],
  [9, 'temp', 'support.type.target.mqa'],
  [5, 'ORDERS', 'variable.other.group.mqa'],
];

function checkSample(grammar) {
  const tokens = tokenize(grammar, SAMPLE, 'sample');
  const find = (line, text) => tokens.filter((t) => t.line === line && t.text === text);
  for (const [line, text, scope] of EXPECT) {
    const found = find(line, text);
    if (!found.length) fail(`sample:${line}: no token \`${text}\` (tokens: ${tokens.filter((t) => t.line === line).map((t) => JSON.stringify(t.text)).join(' ')})`);
    else if (!found.some((t) => t.scopes.includes(scope))) fail(`sample:${line}: \`${text}\` has ${found.map((t) => t.scopes.join(' ')).join(' | ')}, not ${scope}`);
  }
  for (const [line, text, scope] of FORBID) {
    if (find(line, text).some((t) => t.scopes.includes(scope))) fail(`sample:${line}: \`${text}\` must not be ${scope}`);
  }
  return EXPECT.length + FORBID.length;
}

async function main() {
  const args = process.argv.slice(2);
  let mode = 'other';
  const files = { clean: [], other: [] };
  for (const a of args) {
    if (a === '--clean') mode = 'clean';
    else if (a === '--other') mode = 'other';
    else files[mode].push(a);
  }
  const grammar = await loadGrammar();
  const counts = {};
  let tokenCount = 0;
  for (const [kind, list] of Object.entries(files)) {
    for (const file of list) {
      const tokens = tokenize(grammar, fs.readFileSync(file, 'utf8'), file);
      tokenCount += tokens.length;
      for (const t of tokens) {
        const s = t.scopes[t.scopes.length - 1];
        counts[s] = (counts[s] || 0) + 1;
      }
      if (kind === 'clean') checkClean(tokens, file);
    }
  }
  const sampled = checkSample(grammar);
  console.log(`files: ${files.clean.length} clean, ${files.other.length} other; tokens: ${tokenCount}; lines over ${MAX_LINE} characters left untokenized: ${longLines}; sample checks: ${sampled}`);
  for (const s of Object.keys(counts).sort()) console.log(`  ${s}: ${counts[s]}`);
  if (failures.length) {
    console.error(`${failures.length} failures:`);
    for (const f of failures) console.error(`  ${f}`);
    process.exit(1);
  }
  console.log('all checks passed');
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(2);
});
