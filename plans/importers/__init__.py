"""Turn a work-plan document into a task tree. Pure code: plain values in, plain values out, no database.

readers.py   file bytes or pasted text → SourceDocument (paragraphs and tables)
normalize.py width folding and Traditional → Simplified, offset-preserving, for matching
phrases.py   time phrases (deadlines) and owner annotations
structure.py SourceDocument → ParsedPlan (metadata, sections, items)
tables.py    task tables (任务分解表) → items
expected.py  ParsedPlan → the JSON schema of seeds/expected, and scoring against it
"""
