# Messages en français. Chaque clé de l'anglais doit exister ici (un test le vérifie).
# { -product } est le nom de la marque, { -cli } son programme en ligne de commande.

## Dates et durées
just-now = à l'instant
ago-minutes = { $n ->
    [one] il y a { $n } minute
   *[other] il y a { $n } minutes
}
ago-hours = { $n ->
    [one] il y a { $n } heure
   *[other] il y a { $n } heures
}
ago-days = { $n ->
    [one] il y a { $n } jour
   *[other] il y a { $n } jours
}
ago-months = il y a { $n } mois
ago-years = { $n ->
    [one] il y a { $n } an
   *[other] il y a { $n } ans
}
period-weeks = { $n ->
    [one] { $n } semaine
   *[other] { $n } semaines
}
period-days = { $n ->
    [one] { $n } jour
   *[other] { $n } jours
}
period-hours = { $n ->
    [one] { $n } heure
   *[other] { $n } heures
}
period-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
period-seconds = { $n ->
    [one] { $n } seconde
   *[other] { $n } secondes
}
upcoming-today = aujourd'hui { $time }
upcoming-tomorrow = demain { $time }
weekday-1 = lun.
weekday-2 = mar.
weekday-3 = mer.
weekday-4 = jeu.
weekday-5 = ven.
weekday-6 = sam.
weekday-7 = dim.

## Zone de notification
tray-no-backup-yet = Aucune sauvegarde pour l'instant
tray-back-up-now = Sauvegarder maintenant
tray-all-repositories = Tous les dépôts
tray-pause-hour = Suspendre les sauvegardes pendant 1 heure
tray-pause-tomorrow = Suspendre les sauvegardes jusqu'à demain
tray-resume = Reprendre les sauvegardes
tray-open = Ouvrir { -product }
tray-quit = Quitter

## Notifications
notice-too-old = { $repo } : la dernière sauvegarde est trop ancienne
notice-too-old-body = La dernière sauvegarde date de { $ago }. Ouvrez { -product } et sauvegardez maintenant.
notice-settings-unavailable = Les réglages ne peuvent pas être affichés
notice-scheduler-refused = Le planificateur a refusé
notice-file-cannot-open = Le fichier ne peut pas être ouvert

## Accueil
welcome-title = Bienvenue dans { -product }
welcome-no-config = Aucune configuration pour l'instant. Commencez avec celle par défaut :
welcome-back-up = • sauvegarder { $paths }
welcome-into = • dans un dépôt chiffré, { $repository } (aucun serveur nécessaire)
welcome-password = • avec un mot de passe robuste créé pour vous et gardé à côté de la configuration ({ $config })
welcome-keep-password = Gardez une copie de ce mot de passe en lieu sûr : sans lui, personne ne peut lire les sauvegardes, pas même vous.
welcome-or-choose = Ou choisissez vous-même : un autre dossier, un disque externe, un serveur ou un stockage en ligne, une planification.
welcome-quit = Quitter
welcome-open-repository = Ouvrir un dépôt…
welcome-step-by-step = Configurer pas à pas…
welcome-defaults = Configurer avec ces réglages
