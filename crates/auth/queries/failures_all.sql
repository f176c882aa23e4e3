SELECT username, consecutive, locked_until FROM login_failures ORDER BY username
