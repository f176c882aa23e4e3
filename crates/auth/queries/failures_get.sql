SELECT consecutive, locked_until FROM login_failures WHERE username = ?1
