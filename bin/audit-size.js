#!/usr/bin/env node
// The size audit behind issue 9 (`npm run audit:size`): lists every source file in
// packages/*/src over 500 lines and every function over 60 lines that carries no reason.
// Tests, test support and the generated client are left out.
//
// A reason is a comment starting with `size:` (`// size: one table, read top to bottom`): in
// the first lines of a file for the file, in the comments just above a function (or above the
// statement or property that holds it) for the function.
//
// `--check` (part of `npm run lint`) fails on an offender that is not in
// bin/audit-size.baseline.json, the list of offenders that were there when the audit landed and
// that their owners are splitting; it also names baseline entries that no longer offend (a
// warning, so that a split merged elsewhere does not break the lint), to keep the list shrinking. `--json` prints the offenders as JSON.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

export const MAX_FILE_LINES = 500
export const MAX_FUNCTION_LINES = 60
const REASON = /\/\/\s*size:|\/\*+\s*size:|^\s*\*\s*size:/m
const FILE_HEADER_LINES = 20

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function isSource(path) {
  return (
    path.endsWith('.ts') &&
    !path.endsWith('.d.ts') &&
    !path.endsWith('.test.ts') &&
    !path.includes('/test-support/') &&
    !path.includes('/generated/')
  )
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path, out)
    else if (isSource(path)) out.push(path)
  }
  return out
}

export function sourceFiles() {
  const packages = join(root, 'packages')
  return readdirSync(packages)
    .map((name) => join(packages, name, 'src'))
    .filter((src) => statSync(src, { throwIfNoEntry: false })?.isDirectory())
    .flatMap((src) => walk(src))
    .sort()
}

function nameOf(node) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text
  if (node.name && (ts.isStringLiteral(node.name) || ts.isPrivateIdentifier(node.name))) {
    return node.name.text
  }
  if (ts.isConstructorDeclaration(node)) return 'constructor'
  const parent = node.parent
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    return parent.name.text
  }
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText()
  if (parent && ts.isPropertyDeclaration(parent)) return parent.name.getText()
  return undefined
}

function ownerOf(node) {
  for (let at = node.parent; at; at = at.parent) {
    if ((ts.isClassDeclaration(at) || ts.isClassExpression(at)) && at.name) return at.name.text
  }
  return undefined
}

function isFunction(node) {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node) ||
    ts.isArrowFunction(node) ||
    ts.isFunctionExpression(node)
  )
}

/** The comments above a node, or above the statement or property that holds it. */
function leadingText(node, text) {
  const holders = [node]
  let at = node.parent
  while (
    at &&
    (ts.isVariableDeclaration(at) ||
      ts.isVariableDeclarationList(at) ||
      ts.isVariableStatement(at) ||
      ts.isPropertyAssignment(at) ||
      ts.isPropertyDeclaration(at) ||
      ts.isExportAssignment(at) ||
      ts.isCallExpression(at) ||
      ts.isParenthesizedExpression(at) ||
      ts.isAsExpression(at) ||
      ts.isSatisfiesExpression(at))
  ) {
    holders.push(at)
    at = at.parent
  }
  return holders
    .flatMap((holder) => ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? [])
    .map((range) => text.slice(range.pos, range.end))
    .join('\n')
}

/** The offenders of one file: the file itself and its long functions, each with or without a reason. */
export function auditFile(path) {
  const text = readFileSync(path, 'utf8')
  const file = relative(root, path)
  const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
  const found = []
  if (lines > MAX_FILE_LINES) {
    const header = text.split('\n').slice(0, FILE_HEADER_LINES).join('\n')
    found.push({ kind: 'file', file, name: '', lines, reason: REASON.test(header) })
  }
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true)
  const lineOf = (pos) => source.getLineAndCharacterOfPosition(pos).line + 1
  const visit = (node) => {
    if (isFunction(node) && node.body) {
      const start = lineOf(node.getStart(source))
      const length = lineOf(node.getEnd()) - start + 1
      if (length > MAX_FUNCTION_LINES) {
        const own = nameOf(node) ?? `<anonymous>`
        const owner = ownerOf(node)
        found.push({
          kind: 'function',
          file,
          name: owner ? `${owner}.${own}` : own,
          line: start,
          lines: length,
          reason: REASON.test(leadingText(node, text)),
        })
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

export const keyOf = (offender) => `${offender.file}${offender.name ? `#${offender.name}` : ''}`

function main(argv) {
  const all = sourceFiles().flatMap(auditFile)
  const offenders = all.filter((o) => !o.reason)
  if (argv.includes('--json')) {
    console.log(JSON.stringify(offenders, null, 2))
    return 0
  }
  if (argv.includes('--write-baseline')) {
    const keys = [...new Set(offenders.map(keyOf))].sort()
    const out = join(root, 'bin/audit-size.baseline.json')
    const body = `${JSON.stringify({ offenders: keys }, null, 2)}\n`
    writeFileSync(out, body)
    console.log(`wrote ${relative(root, out)}: ${keys.length} offenders`)
    return 0
  }
  const baseline = new Set(
    JSON.parse(readFileSync(join(root, 'bin/audit-size.baseline.json'), 'utf8')).offenders,
  )
  const known = (o) => baseline.has(keyOf(o))
  for (const o of offenders) {
    const where = o.kind === 'file' ? o.file : `${o.file}:${o.line} ${o.name}`
    const limit = o.kind === 'file' ? MAX_FILE_LINES : MAX_FUNCTION_LINES
    console.log(`${known(o) ? 'known' : 'NEW  '} ${o.lines} lines (> ${limit}) ${where}`)
  }
  const reasoned = all.filter((o) => o.reason).length
  const fresh = offenders.filter((o) => !known(o))
  const current = new Set(offenders.map(keyOf))
  const stale = [...baseline].filter((key) => !current.has(key))
  console.log(
    `${offenders.length} without a \`// size:\` reason (${fresh.length} new), ${reasoned} with one`,
  )
  if (!argv.includes('--check')) return 0
  for (const key of stale)
    console.log(`fixed: ${key} (take it out of bin/audit-size.baseline.json)`)
  if (fresh.length > 0) {
    console.error('audit:size: split the new offenders or write a `// size:` reason above them')
    return 1
  }
  return 0
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2))
}
