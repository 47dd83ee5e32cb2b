// A minimal VS Code extension for LCC: runs `parley im check --json FILE` when an .lcc file is
// opened or saved, and shows the diagnostics (code, message, hint) in the editor. Plain
// JavaScript with no build step; the grammar in syntaxes/ does the highlighting.
'use strict'
const vscode = require('vscode')
const { execFile } = require('node:child_process')

const SEVERITY = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
}

function toDiagnostic (d) {
  const range = new vscode.Range(
    Math.max(0, d.line - 1), Math.max(0, d.column - 1),
    Math.max(0, (d.endLine ?? d.line) - 1), Math.max(0, (d.endColumn ?? d.column + 1) - 1))
  const text = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message
  const diag = new vscode.Diagnostic(range, text, SEVERITY[d.severity] ?? vscode.DiagnosticSeverity.Error)
  diag.code = d.code
  diag.source = 'parley im check'
  return diag
}

function check (doc, collection, output) {
  if (doc.languageId !== 'lcc' || doc.uri.scheme !== 'file') return
  const config = vscode.workspace.getConfiguration('lcc', doc.uri)
  if (!config.get('checkOnSave', true)) return
  const args = ['im', 'check', '--json', doc.uri.fsPath]
  const components = config.get('components', '')
  if (components) args.push('--components', components)
  const cwd = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath
  execFile(config.get('parleyPath', 'parley'), args, { cwd, timeout: 30000 }, (err, stdout, stderr) => {
    // Exit status 1 means "errors found": the report is still on stdout.
    if (err && err.code === 'ENOENT') {
      output.appendLine(`parley not found (${config.get('parleyPath', 'parley')}); set lcc.parleyPath`)
      return
    }
    let report
    try {
      report = JSON.parse(stdout)
    } catch {
      output.appendLine(`parley im check gave no report for ${doc.uri.fsPath}: ${stderr.trim()}`)
      collection.set(doc.uri, [])
      return
    }
    const file = (report.files ?? [])[0]
    collection.set(doc.uri, (file?.diagnostics ?? []).map(toDiagnostic))
  })
}

function activate (context) {
  const collection = vscode.languages.createDiagnosticCollection('lcc')
  const output = vscode.window.createOutputChannel('LCC')
  context.subscriptions.push(
    collection,
    output,
    vscode.workspace.onDidSaveTextDocument(doc => check(doc, collection, output)),
    vscode.workspace.onDidOpenTextDocument(doc => check(doc, collection, output)),
    vscode.workspace.onDidCloseTextDocument(doc => collection.delete(doc.uri)),
  )
  for (const doc of vscode.workspace.textDocuments) check(doc, collection, output)
}

function deactivate () {}

module.exports = { activate, deactivate }
