-- The catalog read model's query indexes: used by its queries, not by its fold. The live
-- model always has them; a rebuild creates them after its fold (Projection::query_indexes).

CREATE INDEX IF NOT EXISTS catalog_streams_by_category ON catalog_streams (category, stream);
