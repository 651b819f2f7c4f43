-- The reach layers' nodes lose their foreign key to domains (issue 16, a
-- poll's server CPU): the twin of migrations/0015_nodes_without_domain_key.sql.
-- Its check was a trigger call per inserted node (a lookup of the domain's
-- row, locked FOR KEY SHARE), and a cold poll inserts a node per URL per
-- layer: 160,000 for 1,000 feeds, ~8 % of the server's execution time there.
-- It guarded nothing tracer can do: a node's domain id comes from the
-- domains row that the same statement reads or inserts (tracer.reach), and
-- no statement deletes a domain.
ALTER TABLE nodes DROP CONSTRAINT IF EXISTS nodes_domain_id_fkey;
ALTER TABLE declared_nodes DROP CONSTRAINT IF EXISTS declared_nodes_domain_id_fkey;
