"""Proxies that pass Qt 6's multiData on to the model.

A delegate asks a cell for all its roles at once (QAbstractItemModel.multiData); Qt's proxies answer that by asking
their model one role at a time, each a call into Python that must win the interpreter lock back from the worker
threads. These forward the one call, so painting a cell costs one call into Python, not seven.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QIdentityProxyModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    QSortFilterProxyModel,
)

_Index = QModelIndex | QPersistentModelIndex
_Roles = QModelRoleDataSpan | QModelRoleData


class PassingThrough(QIdentityProxyModel):
    def multiData(self, index: _Index, role_data_span: _Roles) -> None:
        self.sourceModel().multiData(self.mapToSource(index), role_data_span)


class SortingFilter(QSortFilterProxyModel):
    def multiData(self, index: _Index, role_data_span: _Roles) -> None:
        self.sourceModel().multiData(self.mapToSource(index), role_data_span)
