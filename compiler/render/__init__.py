"""Renderers: findings, plans and graphs to text, JSON, SARIF, markdown, Mermaid/DOT."""
