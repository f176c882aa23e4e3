UPDATE deployment SET deployment_id = ?1 WHERE singleton = 1
