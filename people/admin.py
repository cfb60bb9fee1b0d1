from django.contrib import admin

# The admin is for operators maintaining master data; counsellors and supervisors work in
# the application, where every list is scoped to their centre.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
admin.site.site_header = "Integrationsvereinbarungen – Administration"
