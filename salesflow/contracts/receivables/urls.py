"""Money pages under /contracts/ (namespace ``contracts:``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("payments/", views.payment_list, name="payment-list"),
    path("payments/<int:pk>/reverse/", views.payment_reverse, name="payment-reverse"),
    path("invoices/", views.invoice_list, name="invoice-list"),
    path("invoices/<int:pk>/issue/", views.invoice_issue, name="invoice-issue"),
    path("invoices/<int:pk>/void/", views.invoice_void, name="invoice-void"),
    path("receivables/", views.receivables, name="receivables"),
    path("collections/", views.collections, name="collections"),
    path("agreements/<int:pk>/money/", views.agreement_money, name="agreement-money"),
    path("agreements/<int:pk>/plan/", views.plan_edit, name="plan-edit"),
    path("agreements/<int:pk>/payments/new/", views.payment_create, name="payment-create"),
    path("agreements/<int:pk>/invoices/new/", views.invoice_request, name="invoice-request"),
]
