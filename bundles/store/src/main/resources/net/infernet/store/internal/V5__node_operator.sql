-- Operators own nodes (docs/routing.md): the user key whose signed delegation the node presented when it registered.
-- Empty for a node that registered without one (it is then an operator of one node, its own key).
ALTER TABLE nodes ADD COLUMN operator_key VARCHAR(64)
