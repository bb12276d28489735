

# ── The data image (guest/python-data/warmup.py, appended to guest/python/warmup.py by guest/build.sh) ──
# The heavy imports, once, before the snapshot: every run then finds numpy, pandas, scipy, scikit-learn,
# matplotlib and seaborn already loaded (a first import of them takes seconds, and under emulation tens of
# seconds). matplotlib draws with Agg (no display here), its font cache built by drawing one figure, and
# its pyplot.show() hands figures back as the run's images.
def _lci_data_warmup():
    import io
    import os

    os.environ.setdefault('MPLCONFIGDIR', '/tmp/matplotlib')
    os.environ['MPLBACKEND'] = 'Agg'
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    import numpy
    import pandas
    import scipy
    import scipy.linalg
    import scipy.optimize
    import scipy.stats
    import seaborn
    import sklearn
    import sklearn.linear_model
    import sklearn.model_selection
    import sklearn.preprocessing
    import PIL.Image

    figure, axes = plt.subplots()
    axes.plot(numpy.arange(3), numpy.arange(3))
    axes.set_title('warm-up')
    figure.savefig(io.BytesIO(), format='png')
    plt.close('all')

    import _lci

    _lci.capture_pyplot()


_lci_data_warmup()
del _lci_data_warmup
