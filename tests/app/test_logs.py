import logging

from emgmm.app.logs import quiet_gone_fragments


def test_gone_fragment_notices_are_dropped_and_other_records_kept(caplog):
    name = "emgmm.test.app_session"
    quiet_gone_fragments(name)
    quiet_gone_fragments(name)  # a rerun of the page installs nothing twice
    logger = logging.getLogger(name)
    assert len(logger.filters) == 1
    with caplog.at_level(logging.INFO, logger=name):
        logger.info("The fragment with id %s does not exist anymore - it might have been removed", "abc")
        logger.info("Discarding rerun request after shutdown")
    assert [r.getMessage() for r in caplog.records] == ["Discarding rerun request after shutdown"]
