// Parses anonymous Apex scripts with @apexdevtools/apex-parser (the ANTLR grammar of the
// Apex language), for tests/test_campaign_member_records.py. Prints, per file given, the
// syntax errors (lexer and parser), the string literals as written, and the DML statements
// the script holds (insert, update, upsert, delete, undelete, merge), as one JSON line.
"use strict";
const fs = require("fs");
const { ApexParserFactory, ApexErrorListener, ApexLexer } = require("@apexdevtools/apex-parser");

class Collect extends ApexErrorListener {
  constructor() { super(); this.errors = []; }
  syntaxError(_recognizer, _symbol, line, column, message) {
    this.errors.push(`${line}:${column} ${message}`);
  }
}

const DML = new Set(["insert", "update", "upsert", "delete", "undelete", "merge"]);

for (const file of process.argv.slice(2)) {
  const source = fs.readFileSync(file, "utf8");
  const listener = new Collect();
  const { parser } = ApexParserFactory.createLexerAndParser(source, listener);
  parser.anonymousUnit();
  const tokens = ApexParserFactory.createTokenStream(ApexParserFactory.createLexer(source));
  tokens.fill();
  const strings = [];
  const dml = [];
  for (const token of tokens.tokens) {
    if (token.type === ApexLexer.StringLiteral) strings.push(token.text);
    else if (DML.has((token.text || "").toLowerCase()) && token.channel === 0) dml.push(token.text.toLowerCase());
  }
  console.log(JSON.stringify({ file, errors: listener.errors, strings, dml }));
}
