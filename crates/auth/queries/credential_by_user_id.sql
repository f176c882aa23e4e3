SELECT username, phc FROM credentials WHERE user_id = ?1
