-- Undo bench/proposals.sql: the indexes exactly as the current migrations create them.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP INDEX IF EXISTS migrant_centre_counsellor, goal_agreement_cover, agreement_centre,
    session_migrant_date;
CREATE INDEX agreement_centre ON agreements_agreement (centre_id, status, next_review_on);
CREATE INDEX session_migrant_date ON integration_counsellingsession (migrant_id, held_on DESC);
CREATE INDEX IF NOT EXISTS agreements_agreement_centre_id_3484e6c5 ON agreements_agreement USING btree (centre_id);
CREATE INDEX IF NOT EXISTS agreements_agreement_counsellor_id_df196d20 ON agreements_agreement USING btree (counsellor_id);
CREATE INDEX IF NOT EXISTS agreements_agreement_migrant_id_8ed72e56 ON agreements_agreement USING btree (migrant_id);
CREATE INDEX IF NOT EXISTS agreements_goal_agreement_id_5bbf9588 ON agreements_goal USING btree (agreement_id);
CREATE INDEX IF NOT EXISTS agreements_goaloutcome_review_id_b9b1c28f ON agreements_goaloutcome USING btree (review_id);
CREATE INDEX IF NOT EXISTS agreements_historicalagreement_centre_id_9ae83241 ON agreements_historicalagreement USING btree (centre_id);
CREATE INDEX IF NOT EXISTS agreements_historicalagreement_counsellor_id_8d1e84c8 ON agreements_historicalagreement USING btree (counsellor_id);
CREATE INDEX IF NOT EXISTS agreements_historicalagreement_history_date_b2e352bc ON agreements_historicalagreement USING btree (history_date);
CREATE INDEX IF NOT EXISTS agreements_historicalagreement_predecessor_id_c0b5c0cf ON agreements_historicalagreement USING btree (predecessor_id);
CREATE INDEX IF NOT EXISTS agreements_historicalgoal_history_date_4205340c ON agreements_historicalgoal USING btree (history_date);
CREATE INDEX IF NOT EXISTS agreements_historicalgoaloutcome_goal_id_32cf8b55 ON agreements_historicalgoaloutcome USING btree (goal_id);
CREATE INDEX IF NOT EXISTS agreements_historicalgoaloutcome_history_date_c442fb3a ON agreements_historicalgoaloutcome USING btree (history_date);
CREATE INDEX IF NOT EXISTS agreements_historicalreview_history_date_349e9c45 ON agreements_historicalreview USING btree (history_date);
CREATE INDEX IF NOT EXISTS agreements_historicalreview_partner_id_92ab36af ON agreements_historicalreview USING btree (partner_id);
CREATE INDEX IF NOT EXISTS agreements_historicalreview_recorded_by_id_1fdc118f ON agreements_historicalreview USING btree (recorded_by_id);
CREATE INDEX IF NOT EXISTS agreements_historicalstep_consent_id_574f0738 ON agreements_historicalstep USING btree (consent_id);
CREATE INDEX IF NOT EXISTS agreements_historicalstep_history_date_81ab0225 ON agreements_historicalstep USING btree (history_date);
CREATE INDEX IF NOT EXISTS agreements_historicalstep_offer_id_727e382b ON agreements_historicalstep USING btree (offer_id);
CREATE INDEX IF NOT EXISTS agreements_historicalstep_partner_id_47abba5d ON agreements_historicalstep USING btree (partner_id);
CREATE INDEX IF NOT EXISTS agreements_review_agreement_id_4ee2f074 ON agreements_review USING btree (agreement_id);
CREATE INDEX IF NOT EXISTS integration_counsellingsession_counsellor_id_6bc202ee ON integration_counsellingsession USING btree (counsellor_id);
CREATE INDEX IF NOT EXISTS integration_counsellingsession_migrant_id_e97a2a86 ON integration_counsellingsession USING btree (migrant_id);
CREATE INDEX IF NOT EXISTS integration_historicalchild_history_date_a6292064 ON integration_historicalchild USING btree (history_date);
CREATE INDEX IF NOT EXISTS integration_historicalconsent_history_date_77d63b0d ON integration_historicalconsent USING btree (history_date);
CREATE INDEX IF NOT EXISTS integration_historicalconsent_recipient_partner_id_35145107 ON integration_historicalconsent USING btree (recipient_partner_id);
CREATE INDEX IF NOT EXISTS integration_historicalcounsellingsession_counsellor_id_cdca181a ON integration_historicalcounsellingsession USING btree (counsellor_id);
CREATE INDEX IF NOT EXISTS integration_historicalcounsellingsession_history_date_63beb617 ON integration_historicalcounsellingsession USING btree (history_date);
CREATE INDEX IF NOT EXISTS integration_historicalmigrant_case_number_2500fe70 ON integration_historicalmigrant USING btree (case_number);
CREATE INDEX IF NOT EXISTS integration_historicalmigrant_case_number_2500fe70_like ON integration_historicalmigrant USING btree (case_number varchar_pattern_ops);
CREATE INDEX IF NOT EXISTS integration_historicalmigrant_centre_id_81f05a68 ON integration_historicalmigrant USING btree (centre_id);
CREATE INDEX IF NOT EXISTS integration_historicalmigrant_counsellor_id_1d6c19dc ON integration_historicalmigrant USING btree (counsellor_id);
CREATE INDEX IF NOT EXISTS integration_historicalmigrant_foreigners_authority_id_8ac8c8cd ON integration_historicalmigrant USING btree (foreigners_authority_id);
CREATE INDEX IF NOT EXISTS integration_historicalmigrant_history_date_6aa58f34 ON integration_historicalmigrant USING btree (history_date);
CREATE INDEX IF NOT EXISTS integration_historicalqualification_history_date_4920dc4c ON integration_historicalqualification USING btree (history_date);
CREATE INDEX IF NOT EXISTS integration_migrant_centre_id_ac94a3b5 ON integration_migrant USING btree (centre_id);
CREATE INDEX IF NOT EXISTS integration_migrant_counsellor_id_8c3328d6 ON integration_migrant USING btree (counsellor_id);

VACUUM (ANALYZE) integration_migrant, agreements_agreement, agreements_goal, integration_counsellingsession;
