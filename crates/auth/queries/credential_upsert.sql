INSERT INTO credentials (user_id, username, phc) VALUES (?1, ?2, ?3)
ON CONFLICT (user_id) DO UPDATE SET username = excluded.username, phc = excluded.phc
