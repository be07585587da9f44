-- Two more things a one-time code can unlock: an appeal for an ID number someone else
-- registered (the appellant proves a mobile number), and the deletion of an account.
ALTER TABLE one_time_codes DROP CONSTRAINT one_time_codes_purpose_check;
ALTER TABLE one_time_codes ADD CONSTRAINT one_time_codes_purpose_check
    CHECK (purpose IN ('register', 'reset_password', 'change_mobile', 'correct_name', 'appeal', 'delete_account'));
