from agreements.views.agreements import agreement_list

__all__ = ["agreement_list"]
