-- A batch in one multi-row statement, so one transaction (autocommit). $1 event ids,
-- $2 payloads (one per event), $3 stream, $4 the stream's version before the batch,
-- $5 event type, $6 schema version, $7 occurred at, $8 recorded at, $9 actor. Every event
-- of the batch has the batch's first position as its append start.
WITH numbered AS (
    SELECT nextval('events_position') AS position, u.event_id, u.payload, u.ord
      FROM UNNEST($1::uuid[], $2::text[]) WITH ORDINALITY AS u (event_id, payload, ord)
)
INSERT INTO events (position, event_id, stream, version, event_type, schema_version,
                    occurred_at, recorded_at, actor, correlation_id, causation_id, payload,
                    append_start)
SELECT position, event_id, $3, $4 + ord, $5, $6, $7, $8, $9, NULL, NULL, payload,
       min(position) OVER ()
  FROM numbered
