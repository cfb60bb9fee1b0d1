-- The index changes proposed in bench/README.md ("Proposed changes"), as SQL, so they can be
-- measured on a benchmark database before the models change:
--     psql -h 127.0.0.1 -U postgres -d integration_bench_1m -f bench/proposals.sql
-- bench/proposals-revert.sql restores the indexes the migrations create.
-- Names are the ones the proposed Meta.indexes would get.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

-- 1. Covering indexes for the supervisor dashboard (index-only scans: a centre's rows are
--    spread over the whole table at national size, so every heap visit is another page).
DROP INDEX IF EXISTS bench_migrant_centre_counsellor, bench_agreement_centre_cover,
    bench_goal_agreement_cover, bench_session_migrant_cover;
CREATE INDEX IF NOT EXISTS migrant_centre_counsellor
    ON integration_migrant (centre_id, counsellor_id, status, intake_on) INCLUDE (id);
DROP INDEX IF EXISTS agreement_centre;
CREATE INDEX agreement_centre
    ON agreements_agreement (centre_id, status, next_review_on) INCLUDE (counsellor_id, id);
CREATE INDEX IF NOT EXISTS goal_agreement_cover
    ON agreements_goal (agreement_id) INCLUDE (area, status, id);
DROP INDEX IF EXISTS session_migrant_date;
CREATE INDEX session_migrant_date
    ON integration_counsellingsession (migrant_id, held_on DESC) INCLUDE (counsellor_id, id);

-- 2. Single-column foreign-key indexes that a composite index already starts with, and
-- 3. history indexes nothing reads (history is read per object or per person: by id,
--    migrant_id, agreement_id, goal_id, review_id; never by date across objects).
DROP INDEX IF EXISTS agreements_agreement_centre_id_3484e6c5;
DROP INDEX IF EXISTS agreements_agreement_counsellor_id_df196d20;
DROP INDEX IF EXISTS agreements_agreement_migrant_id_8ed72e56;
DROP INDEX IF EXISTS agreements_goal_agreement_id_5bbf9588;
DROP INDEX IF EXISTS agreements_goaloutcome_review_id_b9b1c28f;
DROP INDEX IF EXISTS agreements_historicalagreement_centre_id_9ae83241;
DROP INDEX IF EXISTS agreements_historicalagreement_counsellor_id_8d1e84c8;
DROP INDEX IF EXISTS agreements_historicalagreement_history_date_b2e352bc;
DROP INDEX IF EXISTS agreements_historicalagreement_predecessor_id_c0b5c0cf;
DROP INDEX IF EXISTS agreements_historicalgoal_history_date_4205340c;
DROP INDEX IF EXISTS agreements_historicalgoaloutcome_goal_id_32cf8b55;
DROP INDEX IF EXISTS agreements_historicalgoaloutcome_history_date_c442fb3a;
DROP INDEX IF EXISTS agreements_historicalreview_history_date_349e9c45;
DROP INDEX IF EXISTS agreements_historicalreview_partner_id_92ab36af;
DROP INDEX IF EXISTS agreements_historicalreview_recorded_by_id_1fdc118f;
DROP INDEX IF EXISTS agreements_historicalstep_consent_id_574f0738;
DROP INDEX IF EXISTS agreements_historicalstep_history_date_81ab0225;
DROP INDEX IF EXISTS agreements_historicalstep_offer_id_727e382b;
DROP INDEX IF EXISTS agreements_historicalstep_partner_id_47abba5d;
DROP INDEX IF EXISTS agreements_review_agreement_id_4ee2f074;
DROP INDEX IF EXISTS integration_counsellingsession_counsellor_id_6bc202ee;
DROP INDEX IF EXISTS integration_counsellingsession_migrant_id_e97a2a86;
DROP INDEX IF EXISTS integration_historicalchild_history_date_a6292064;
DROP INDEX IF EXISTS integration_historicalconsent_history_date_77d63b0d;
DROP INDEX IF EXISTS integration_historicalconsent_recipient_partner_id_35145107;
DROP INDEX IF EXISTS integration_historicalcounsellingsession_counsellor_id_cdca181a;
DROP INDEX IF EXISTS integration_historicalcounsellingsession_history_date_63beb617;
DROP INDEX IF EXISTS integration_historicalmigrant_case_number_2500fe70;
DROP INDEX IF EXISTS integration_historicalmigrant_case_number_2500fe70_like;
DROP INDEX IF EXISTS integration_historicalmigrant_centre_id_81f05a68;
DROP INDEX IF EXISTS integration_historicalmigrant_counsellor_id_1d6c19dc;
DROP INDEX IF EXISTS integration_historicalmigrant_foreigners_authority_id_8ac8c8cd;
DROP INDEX IF EXISTS integration_historicalmigrant_history_date_6aa58f34;
DROP INDEX IF EXISTS integration_historicalqualification_history_date_4920dc4c;
DROP INDEX IF EXISTS integration_migrant_centre_id_ac94a3b5;
DROP INDEX IF EXISTS integration_migrant_counsellor_id_8c3328d6;

VACUUM (ANALYZE) integration_migrant, agreements_agreement, agreements_goal, integration_counsellingsession;
