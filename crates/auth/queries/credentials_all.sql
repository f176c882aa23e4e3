SELECT user_id, username, phc FROM credentials ORDER BY user_id
