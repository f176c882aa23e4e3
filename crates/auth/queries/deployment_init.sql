INSERT OR IGNORE INTO deployment (singleton, deployment_id) VALUES (1, ?1)
