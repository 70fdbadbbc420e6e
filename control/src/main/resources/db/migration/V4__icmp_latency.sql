-- ICMP echo round trip, measured when control may send ICMP (CAP_NET_RAW); null otherwise, and
-- the TCP connect time stands in for it (labelled as such in the API).
ALTER TABLE server_runtime ADD COLUMN icmp_latency_ms DOUBLE PRECISION;
