/*
 * py311-compat.h: what the crate's Python driver (written against CPython
 * 3.12) needs from the C API that Debian 12's CPython 3.11 lacks.
 *
 * guest/build.sh force-includes this header (gcc -include) ahead of the
 * driver's own sources, so the driver builds unmodified. 3.12 replaced the
 * (type, value, traceback) triple of PyErr_Fetch/PyErr_Restore with one
 * exception object; here that object is built from, and taken apart into,
 * the triple with the calls 3.11 has.
 */
#ifndef LCI_PY311_COMPAT_H
#define LCI_PY311_COMPAT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if PY_VERSION_HEX < 0x030C0000

/* The exception being raised, as one normalized object owning its
 * traceback, or NULL when none is; the error indicator is cleared. */
static inline PyObject *lci_PyErr_GetRaisedException(void)
{
	PyObject *type, *value, *tb;

	PyErr_Fetch(&type, &value, &tb);
	if (!type)
		return NULL;
	PyErr_NormalizeException(&type, &value, &tb);
	if (value && tb)
		PyException_SetTraceback(value, tb);
	Py_XDECREF(type);
	Py_XDECREF(tb);
	return value;
}

/* Raise `exc` again (a reference is stolen); NULL just clears. */
static inline void lci_PyErr_SetRaisedException(PyObject *exc)
{
	if (!exc) {
		PyErr_Clear();
		return;
	}
	PyErr_Restore(Py_NewRef((PyObject *)Py_TYPE(exc)), exc,
		      PyException_GetTraceback(exc));
}

#define PyErr_GetRaisedException lci_PyErr_GetRaisedException
#define PyErr_SetRaisedException lci_PyErr_SetRaisedException

#endif /* < 3.12 */
#endif /* LCI_PY311_COMPAT_H */
