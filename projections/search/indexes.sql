-- The search read model's query indexes: used by its queries, not by its fold. The live
-- model always has them; a rebuild creates them after its fold (Projection::query_indexes).

CREATE INDEX IF NOT EXISTS search_docs_by_date ON search_docs (date, doc);
