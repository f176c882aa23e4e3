INSERT INTO sessions (token_sha256, user_id, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?4)
