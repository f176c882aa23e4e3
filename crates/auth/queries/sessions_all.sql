SELECT token_sha256, user_id, created_at, last_seen_at FROM sessions ORDER BY token_sha256
