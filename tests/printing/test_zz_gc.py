import gc


def test_zz_collect():
    gc.collect()
