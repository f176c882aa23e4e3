DELETE FROM sessions WHERE token_sha256 = ?1
