DELETE FROM login_failures WHERE username = ?1
