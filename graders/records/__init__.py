"""From scores to competency records: the roll-up rules, the record maker, the records folder."""
