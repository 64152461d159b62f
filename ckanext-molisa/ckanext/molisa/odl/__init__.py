"""The Open Data List (Danh mục dữ liệu mở, R14.1, R14.2): deadlines,
states, mail, exports and pages. Tables in ``model/odl.py``, actions in
``logic/odl_action.py``."""
