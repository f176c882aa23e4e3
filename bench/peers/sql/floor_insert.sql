-- One event, one statement, one transaction (autocommit). $1 event id, $2 stream,
-- $3 version, $4 event type, $5 schema version, $6 occurred at, $7 recorded at, $8 actor,
-- $9 payload.
INSERT INTO events (position, event_id, stream, version, event_type, schema_version,
                    occurred_at, recorded_at, actor, correlation_id, causation_id, payload,
                    append_start)
SELECT p, $1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $9, p
  FROM nextval('events_position') AS p
