-- The grouping's LSH bands were recut (8 bands of 3 rows, qualified by the places a message names):
-- band keys stored before no longer meet those computed now. Fingerprints are dropped with them
-- and made again, from the records themselves, when the app next starts (print_unprinted).
delete from text_bands;
delete from text_prints;

-- Candidates are read newest first under each key, a dozen at most: an index in that order.
drop index text_bands_key;
create index text_bands_key on text_bands (band_key, record_id desc);
