SELECT user_id, created_at, last_seen_at FROM sessions WHERE token_sha256 = ?1
