INSERT INTO login_failures (username, consecutive, locked_until) VALUES (?1, ?2, ?3)
ON CONFLICT (username) DO UPDATE SET consecutive = excluded.consecutive,
    locked_until = excluded.locked_until
