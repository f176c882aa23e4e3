DELETE FROM sessions WHERE created_at <= ?1 OR last_seen_at <= ?2
