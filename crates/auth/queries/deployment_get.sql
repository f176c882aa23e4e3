SELECT deployment_id FROM deployment WHERE singleton = 1
