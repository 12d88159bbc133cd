-- The jobs a node ran, newest first (an operator's "recent jobs" in the dashboard).
CREATE INDEX jobs_node_created ON jobs (node_id, created_at)
