SELECT user_id, phc FROM credentials WHERE username = ?1
