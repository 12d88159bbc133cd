-- Receipt serials belong to jobs (payment contract version 2): a job takes the next serial when it is stored, keeps
-- it when it runs again, and the contract pays each serial once. The per-node counter of version 1 goes away.
CREATE SEQUENCE receipt_serials START WITH 1;
ALTER TABLE nodes DROP COLUMN receipt_serial
