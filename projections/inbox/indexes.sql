-- The inbox read model's query indexes: used by its queries, not by its fold. The live
-- model always has them; a rebuild creates them after its fold (Projection::query_indexes).

CREATE INDEX IF NOT EXISTS inbox_items_by_subject ON inbox_items (subject_id, position);
CREATE INDEX IF NOT EXISTS inbox_items_by_cadre ON inbox_items (cadre_id, position);
