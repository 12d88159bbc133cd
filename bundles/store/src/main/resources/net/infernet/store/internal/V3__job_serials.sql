-- Receipt serials belong to jobs (payment contract version 2): a job takes its serial when it is first given to a
-- node, keeps it when it runs again, and the contract pays each serial once. Serials are handed out in blocks of
-- 256, one block per node at a time (block b holds serials 256*b .. 256*b+255), so the serials one node redeems
-- share the contract's bitmap words however many nodes run jobs. The per-node counter of version 1 goes away.
CREATE SEQUENCE receipt_serial_blocks START WITH 1;
ALTER TABLE nodes DROP COLUMN receipt_serial
