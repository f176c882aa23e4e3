UPDATE credentials SET phc = ?2 WHERE user_id = ?1
